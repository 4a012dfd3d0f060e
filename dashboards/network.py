"""A deterministic layout for the co-investment network: the same data gives the same picture.

Investors sit on a circle, the big corporates together on the right-hand arc, each group in
order of deals, so that a reader finds a name where the names are, and the lines between the
corporates (the rivals that back the same startups) cross the middle. Labels point outwards.
"""

import math


def circle_layout(groups: list[list[int]]) -> dict[int, tuple[float, float]]:
    """Positions on the unit circle for groups of node ids, one arc per group going
    clockwise, the first group's arc centred on the right-hand side."""
    nodes = [node for group in groups for node in group]
    count = len(nodes)
    if count == 0:
        return {}
    if count == 1:
        return {nodes[0]: (0.0, 0.0)}
    step = 2 * math.pi / count
    start = (len(groups[0]) - 1) * step / 2 if groups else 0.0
    position = {}
    for index, node in enumerate(nodes):
        angle = start - step * index
        position[node] = (round(math.cos(angle), 4), round(math.sin(angle), 4))
    return position


def label_position(point: tuple[float, float]) -> str:
    """Plotly's textposition that puts a label outside the circle at this point."""
    x, y = point
    if abs(x) < 0.1:
        return "top center" if y > 0 else "bottom center"
    return "middle right" if x > 0 else "middle left"
