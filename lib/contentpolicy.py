"""Where the Content Security Policy (tracker/settings.py) allows more than its defaults.

Scripts come from this site only, everywhere. Inline styles are allowed only on the pages of
third-party templates that set style attributes: DRF's browsable API and its login page, and
Swagger UI (drf-spectacular-sidecar), whose bundle styles its elements inline.
"""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from rest_framework.renderers import BrowsableAPIRenderer

INLINE_STYLES = {"style-src": [UNSAFE_INLINE]}

allow_inline_styles = csp_update(INLINE_STYLES)


class BrowsableAPIRendererWithInlineStyles(BrowsableAPIRenderer):
    """DRF's browsable API, whose pages allow inline styles (the JSON answers need nothing)."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response._csp_update = INLINE_STYLES
        return super().render(data, accepted_media_type, renderer_context)
