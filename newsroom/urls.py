from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

from bulletins.caching import reader_page
from bulletins.sitemaps import SITEMAPS
from bulletins.views import favicon, robots_txt
from newsroom.throttling import ThrottledAdminLoginForm

admin.site.site_header = _("Newsroom editorial desk")
admin.site.site_title = _("Newsroom")
admin.site.index_title = _("Compose the weekly bulletin")
admin.site.login_form = ThrottledAdminLoginForm  # says so when a lockout refused the login

handler500 = "newsroom.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
    # An index of sitemaps, one per kind of page and paginated, so that crawlers reach every
    # item, not only the first page of them.
    path(
        "sitemap.xml",
        reader_page(sitemaps.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        reader_page(sitemaps.sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("bulletins.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif settings.NEWSROOM_SERVE_MEDIA:
    # Checks and benchmarks on one machine, with no web server in front to serve /media/.
    media = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
