"""Colours for any number of agents, each far from the others and from the map's greys.

Distances are measured in OKLab (Björn Ottosson, "A perceptual color space for
image processing", bottosson.github.io/posts/oklab/, 2020: the sRGB matrices
below are his), where a Euclidean distance of about 0.02 is a just noticeable
difference. Agents take, in contract order: the colour their file asks for
(`color:`), else the next of Tableau 10's hues (the map's colours so far), else
the colour of a grid of hues (a golden-angle spread around the circle) at four
lightness steps that lies farthest from every colour taken already. Requested
colours are placed first; the others then depend only on the agents before
them, so adding an agent without a `color:` at the end changes no other
agent's colour. Text on a colour is white, or black
where white would not reach a WCAG 2 contrast ratio of 4.5:1 (black then does).
"""

from __future__ import annotations

import math

# Tableau 10 without its grey: the first agents' colours when their files name none.
SEEDS = ("#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#76B7B2", "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F")
LIGHTNESS = (0.52, 0.62, 0.72, 0.82)  # OKLab L of the generated colours
MAX_CHROMA = 0.17  # generated colours are as vivid as sRGB allows, up to this
MIN_CHROMA = 0.07  # ... and never greyer than this (the protected grey has none)
GOLDEN_ANGLE = 137.50776405003785
MIN_DISTANCE = 0.08  # a requested or seed colour this close to one taken already is not used


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _gamma(channel: float) -> float:
    return 12.92 * channel if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def hex_rgb(colour: str) -> tuple[float, ...]:
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))


def oklab(colour: str) -> tuple[float, float, float]:
    """ "#RRGGBB" → (L, a, b)."""
    r, g, b = (_linear(c) for c in hex_rgb(colour))
    lms = (
        0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b,
        0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b,
        0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b,
    )
    l_, m_, s_ = (math.copysign(abs(v) ** (1 / 3), v) for v in lms)
    return (
        0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_,
        1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_,
        0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_,
    )


def _srgb(lightness: float, a: float, b: float) -> tuple[float, ...] | None:
    """(L, a, b) → gamma-encoded sRGB (0 to 1), or None when it lies outside sRGB."""
    l_ = lightness + 0.3963377774 * a + 0.2158037573 * b
    m_ = lightness - 0.1055613458 * a - 0.0638541728 * b
    s_ = lightness - 0.0894841775 * a - 1.2914855480 * b
    long, medium, short = l_**3, m_**3, s_**3
    rgb = (
        4.0767416621 * long - 3.3077115913 * medium + 0.2309699292 * short,
        -1.2684380046 * long + 2.6097574011 * medium - 0.3413193965 * short,
        -0.0041960863 * long - 0.7034186147 * medium + 1.7076147010 * short,
    )
    if any(c < -1e-6 or c > 1 + 1e-6 for c in rgb):
        return None
    return tuple(_gamma(min(max(c, 0.0), 1.0)) for c in rgb)


def _hex(rgb: tuple[float, ...]) -> str:
    return "#" + "".join(f"{round(c * 255):02X}" for c in rgb)


def distance(one: str, other: str) -> float:
    """Euclidean distance in OKLab."""
    return math.dist(oklab(one), oklab(other))


def luminance(colour: str) -> float:
    r, g, b = (_linear(c) for c in hex_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    """WCAG 2 contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_colour(background: str) -> str:
    """White when it reaches WCAG's 4.5:1 on `background`, else black (which then reaches 4.6:1 or more)."""
    return "#FFFFFF" if contrast(background, "#FFFFFF") >= 4.5 else "#000000"


def _grid(size: int) -> list[str]:
    """Candidate colours: `size` golden-angle hues at each lightness step, as vivid as sRGB allows."""
    found = []
    for step in range(size):
        hue = math.radians((step * GOLDEN_ANGLE) % 360)
        for lightness in LIGHTNESS:
            chroma = MAX_CHROMA
            while chroma >= MIN_CHROMA:
                rgb = _srgb(lightness, chroma * math.cos(hue), chroma * math.sin(hue))
                if rgb is not None:
                    found.append(_hex(rgb))
                    break
                chroma -= 0.01
    return list(dict.fromkeys(found))


def assign(wanted: list[str | None], reserved: tuple[str, ...]) -> list[str]:
    """One colour for each agent, in order. First every `wanted` colour clear of the `reserved` ones and of
    the wanted colours before it; then, for the others, a seed clear of all taken, else the grid colour
    farthest from all taken."""
    taken = [oklab(c) for c in reserved]

    def clear(colour: str) -> bool:
        point = oklab(colour)
        return all(math.dist(point, t) >= MIN_DISTANCE for t in taken)

    chosen: list[str | None] = []
    for colour in wanted:
        chosen.append(colour if colour is not None and clear(colour) else None)
        if chosen[-1] is not None:
            taken.append(oklab(colour))
    grid = _grid(max(64, 2 * len(wanted)))
    points = [oklab(c) for c in grid]
    nearest = [min((math.dist(p, t) for t in taken), default=math.inf) for p in points]
    seeds = list(SEEDS)
    for i, colour in enumerate(chosen):
        if colour is not None:
            continue
        colour = next((s for s in seeds if clear(s)), None)
        if colour is not None:
            seeds.remove(colour)
        else:
            colour = grid[max(range(len(grid)), key=nearest.__getitem__)]
        chosen[i] = colour
        point = oklab(colour)
        taken.append(point)
        nearest = [min(n, math.dist(p, point)) for n, p in zip(nearest, points, strict=True)]
    return [c for c in chosen if c is not None]
