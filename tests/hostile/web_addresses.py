"""Web addresses that every entry point must refuse, and legal ones that are easy to break:
a `;`, a `,`, quotes, a `;http` inside, a trailing `;`, non-ASCII, IPv6, the longest allowed.
The entry points (API fields, admin form fields, import columns) are found by the tests."""

from startups.rules import URL_MAX_LENGTH

LONGEST = "https://example.com/" + "x" * (URL_MAX_LENGTH - len("https://example.com/"))

# Each starts with its scheme (or is broken before a scheme could be assumed), so that the
# admin, which reads "example.com/story" as https://example.com/story, sees the same text.
REFUSED = [
    "ftp://example.com/file.pdf",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "mailto:editor@example.com",
    "ws://example.com/socket",
    "https://",
    "https:///no-host",
    "http:example.com",
    "https://exa mple.com/",
    "https://example.com/a b",
    "https://example.com/a\tb",
    "https://example.com/a\nb",
    "https://example.com/\x00",
    "https://example.com/\x7f",
    "https://example.com/zero\u200bwidth",
    "https://example.com/\u202eright-to-left",
    "https://example.com/a\u3000b",  # an ideographic space
    "http://[::1",
    "https://-bad-.example/",
    "https://under_score.example/",
    LONGEST + "x",
]

LEGAL = [
    "https://example.com/a;b=c",
    "https://example.com/a;b;c",
    "https://example.com/matrix;jsessionid=1?q=a;b&c=d#frag;x",
    "https://example.com/a,b,c",
    'https://example.com/"quoted"',
    "https://example.com/it's",
    "https://example.com/a;https://other.example/b",
    "https://example.com/trailing;",
    "https://example.com/;",
    "https://example.com/%20encoded%3B",
    "https://example.com/a|b",
    "https://example.com/'=1+1",
    "https://user:pa;ss@example.com/x",
    "HTTPS://EXAMPLE.COM/UPPER",
    "http://127.0.0.1:8080/x",
    "https://[2001:db8::1]/x",
    "https://zh.wikipedia.org/wiki/智谱",
    "https://例子.测试/路径",
    LONGEST,
]
