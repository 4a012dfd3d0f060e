"""A deterministic layout for the co-investment network: the same data gives the same picture.

Nodes start on a circle in the order given (most deals first) and settle under a simple
Fruchterman-Reingold force model: edges pull their ends together in proportion to their weight,
every pair pushes apart. No randomness, so no seed to keep; a few hundred nodes at most.
"""

import math

ITERATIONS = 150
GRAVITY = 2.0


def force_layout(
    nodes: list[int], edges: list[tuple[int, int, int]], iterations: int = ITERATIONS
) -> dict[int, tuple[float, float]]:
    """Positions in [-1, 1] x [-1, 1] for `nodes`, given weighted edges (a, b, weight)."""
    count = len(nodes)
    if count == 0:
        return {}
    if count == 1:
        return {nodes[0]: (0.0, 0.0)}
    position = {
        node: [math.cos(2 * math.pi * i / count), math.sin(2 * math.pi * i / count)]
        for i, node in enumerate(nodes)
    }
    known = set(nodes)
    edges = [(a, b, w) for a, b, w in edges if a in known and b in known]
    heaviest = max((w for _, _, w in edges), default=1)
    ideal = math.sqrt(4.0 / count)  # the area is 2 x 2
    temperature = 0.2
    for _ in range(iterations):
        shift = {node: [0.0, 0.0] for node in nodes}
        for i, a in enumerate(nodes):
            ax, ay = position[a]
            for b in nodes[i + 1 :]:
                dx, dy = ax - position[b][0], ay - position[b][1]
                distance = math.hypot(dx, dy) or 1e-6
                push = ideal * ideal / distance
                shift[a][0] += dx / distance * push
                shift[a][1] += dy / distance * push
                shift[b][0] -= dx / distance * push
                shift[b][1] -= dy / distance * push
        for a, b, weight in edges:
            dx, dy = position[a][0] - position[b][0], position[a][1] - position[b][1]
            distance = math.hypot(dx, dy) or 1e-6
            pull = distance * distance / ideal * (0.5 + weight / heaviest)
            shift[a][0] -= dx / distance * pull
            shift[a][1] -= dy / distance * pull
            shift[b][0] += dx / distance * pull
            shift[b][1] += dy / distance * pull
        for node in nodes:
            # A little gravity keeps investors without partners in the picture.
            shift[node][0] -= position[node][0] * ideal * GRAVITY
            shift[node][1] -= position[node][1] * ideal * GRAVITY
            dx, dy = shift[node]
            length = math.hypot(dx, dy) or 1e-6
            step = min(length, temperature)
            position[node][0] += dx / length * step
            position[node][1] += dy / length * step
        temperature = max(temperature * 0.97, 0.005)
    # Centre and scale into the unit square, keeping the aspect ratio.
    xs = [p[0] for p in position.values()]
    ys = [p[1] for p in position.values()]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    half = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 or 1.0
    return {
        node: (round((x - cx) / half, 4), round((y - cy) / half, 4))
        for node, (x, y) in position.items()
    }
