"""The picture tags live with the rest of the picture code, in bulletins.images."""

from bulletins.images.templatetags import register  # noqa: F401
