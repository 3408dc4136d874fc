"""Self-contained folium maps: Leaflet inlined from package data, nothing fetched from a CDN.

folium links Leaflet, jQuery, Bootstrap and Font Awesome from public CDNs, so a saved map is a blank page
on a machine without internet. :func:`self_contained` moves a map into a :class:`SelfContainedFigure`
whose header inlines Leaflet (shipped under ``data/vendor/leaflet/``, BSD-2-Clause) and drops the
libraries our maps never use. Only a tile layer the caller asks for reaches the network.

This module imports folium; import it lazily, from a function that needs folium anyway.
"""

from __future__ import annotations

import base64
import functools
import html
import re
import warnings

import folium
from branca.element import CssLink, Element, Figure, JavascriptLink

from corridor import datasets

__all__ = ["SelfContainedFigure", "self_contained"]

#: header entries folium adds that no corridor map uses (jQuery, Bootstrap, Font Awesome, awesome-markers)
UNUSED = frozenset({
    "jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css", "awesome_markers_font_css",
    "awesome_markers_css", "awesome_rotate_css",
})  # fmt: skip
_ICONS = {"iconUrl": "marker-icon.png", "iconRetinaUrl": "marker-icon-2x.png", "shadowUrl": "marker-shadow.png"}


def _vendor_dir():
    return datasets._data_dir() / "vendor" / "leaflet"


def _data_uri(name: str) -> str:
    payload = base64.b64encode((_vendor_dir() / "images" / name).read_bytes()).decode("ascii")
    return f"data:image/png;base64,{payload}"


@functools.cache
def inline_assets() -> dict[str, str]:
    """Leaflet's script and stylesheet as ``<script>``/``<style>`` blocks, images as data URIs."""
    script = (_vendor_dir() / "leaflet.js").read_text(encoding="utf-8")
    script = re.sub(r"//# sourceMappingURL=\S+\s*$", "", script)
    icons = ", ".join(f"{key}: {_data_uri(name)!r}" for key, name in _ICONS.items())
    # default markers take their images from data URIs too (Leaflet otherwise guesses a path from the CSS)
    script += f"\nL.Icon.Default.imagePath = '';\nL.Icon.Default.mergeOptions({{{icons}}});\n"
    style = (_vendor_dir() / "leaflet.css").read_text(encoding="utf-8")
    style = re.sub(r"url\(images/([\w.-]+\.png)\)", lambda m: f"url({_data_uri(m.group(1))})", style)
    return {
        "leaflet": f"<script>/* Leaflet 1.9.4, BSD-2-Clause */\n{script}</script>",
        "leaflet_css": f"<style>{style}</style>",
    }


class _Raw(Element):
    """Text put into the page as it is (not a Jinja template: Leaflet's source is not one)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:  # noqa: ARG002 - branca passes render options down
        return self._text


class _InlineHeader(Element):
    """A page header that swaps folium's CDN links for inlined copies before it is written."""

    def render(self, **kwargs) -> str:
        assets = inline_assets()
        remote = []
        for name, child in list(self._children.items()):
            if not isinstance(child, JavascriptLink | CssLink):
                continue
            if name in assets:
                self._children[name] = _Raw(assets[name])
            elif name in UNUSED:
                del self._children[name]
            elif str(child.url).startswith(("http:", "https:", "//")):
                remote.append(f"{name!r} from {child.url}")
        if remote:
            warnings.warn(
                f"this map links {', '.join(remote)}, so it needs the network to draw. Ship the files under "
                "data/vendor/ and inline them in corridor/_webmap.py to keep maps offline.",
                stacklevel=2,
            )
        return super().render(**kwargs)


class SelfContainedFigure(Figure):
    """A branca Figure whose page carries Leaflet inline and whose notebook view needs no trust or network."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        meta = self.header._children["meta_http"]
        self.header = _InlineHeader()
        self.header._parent = self
        self.header.add_child(meta, name="meta_http")

    def _repr_html_(self, **kwargs) -> str:
        """The page in an ``<iframe srcdoc>``: the notebook, and HTML exported from it, show it as it is."""
        page = html.escape(self.render(**kwargs))
        return (
            f'<div style="width:{self.width};"><div style="position:relative;width:100%;height:0;'
            f'padding-bottom:{self.ratio};"><iframe class="corridor-map" srcdoc="{page}" title="interactive map" '
            'style="position:absolute;width:100%;height:100%;left:0;top:0;border:none !important;" '
            "allowfullscreen></iframe></div></div>"
        )


def self_contained(fmap: folium.Map) -> folium.Map:
    """Move `fmap` into a :class:`SelfContainedFigure` (in place) and return it."""
    SelfContainedFigure().add_child(fmap)
    return fmap
