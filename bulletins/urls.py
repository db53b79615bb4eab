from django.urls import path, re_path, register_converter

from . import api, feeds, views
from .params import IssueNumberConverter

register_converter(IssueNumberConverter, "issue")

app_name = "bulletins"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/", views.issue_archive, name="issue_archive"),
    path("issues/<issue:number>/", views.issue_detail, name="issue_detail"),
    path("issues/<issue:number>/preview/", views.issue_preview, name="issue_preview"),
    path(
        "issues/<issue:number>/<int:section_position>-<int:item_position>/",
        views.item_detail,
        name="item_detail",
    ),
    path("sections/<str:slug>/", views.section_archive, name="section_archive"),
    path("sections/<str:slug>/feed.rss", feeds.SectionFeed(), name="section_feed_rss"),
    path("sections/<str:slug>/feed.atom", feeds.SectionAtomFeed(), name="section_feed_atom"),
    path("search/", views.search_page, name="search"),
    path("feeds/issues.rss", feeds.IssuesFeed(), name="feed_rss"),
    path("feeds/issues.atom", feeds.IssuesAtomFeed(), name="feed_atom"),
    path("api/issues/", api.issue_list, name="api_issue_list"),
    path("api/issues/<issue:number>/", api.issue_detail, name="api_issue_detail"),
    path("api/items/", api.item_list, name="api_item_list"),
    re_path(r"^api/", api.not_found),  # what programs ask for and is not there: JSON too
]
