from django.urls import path

from . import views

app_name = "bulletins"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/", views.issue_archive, name="issue_archive"),
    path("issues/<int:number>/", views.issue_detail, name="issue_detail"),
    path("issues/<int:number>/preview/", views.issue_preview, name="issue_preview"),
    path(
        "issues/<int:number>/<int:section_position>-<int:item_position>/",
        views.item_detail,
        name="item_detail",
    ),
    path("sections/<str:slug>/", views.section_archive, name="section_archive"),
]
