"""gunicorn's settings for the Docker image: `gunicorn -c config/gunicorn.py config.wsgi`.

Threaded workers (gthread): a connection waits for its first bytes, and between keep-alive
requests, in the worker's event loop without holding a thread, and a client that sends or
reads slowly holds one thread, not a whole process: with sync workers two slow clients held
two of the processes and a normal request waited 15 s. The TLS proxy in front, buffering
requests and responses, spares the threads the rest (docs/operations.md#gunicorn).
"""

import os

bind = "0.0.0.0:8000"
# Processes: gunicorn reads WEB_CONCURRENCY itself (the Dockerfile sets 3).
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
# A worker whose event loop stops answering for this long is restarted. With threads, a long
# request does not stop the loop: the database's statement timeout bounds its queries.
timeout = 30
graceful_timeout = 30
# Seconds an idle keep-alive connection is kept (in the event loop, not in a thread).
keepalive = 5
accesslog = "-"
