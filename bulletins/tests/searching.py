"""What search tests compare the index with: the items that contain a query, and what the API
returns for it, page after page."""

import re
import unicodedata

from django.urls import reverse

from bulletins.models import Issue, Item

API = reverse("bulletins:api_item_list")


def fold(text):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).casefold())


def containing(query):
    """Ids of published items whose title or body contains every term of the query."""
    terms = [fold(term) for term in query.split()]
    published = Item.objects.filter(section__issue__in=Issue.objects.published())
    return {
        item.id
        for item in published
        if all(term in fold(item.title) or term in fold(item.body) for term in terms)
    }


def api_ids(client, page_size=100, **params):
    ids, page = [], 1
    while True:
        response = client.get(API, {**params, "page_size": page_size, "page": page})
        assert response.status_code == 200, response.content
        data = response.json()
        ids += [result["id"] for result in data["results"]]
        if not data["next"]:
            return ids, data["count"]
        page += 1
