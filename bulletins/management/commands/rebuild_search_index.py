"""python manage.py rebuild_search_index"""

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from bulletins.caching import count_public_change
from bulletins.search import rebuild_index, tidy_index


class Command(BaseCommand):
    help = "Rebuild the search index of every item from scratch."

    def handle(self, *args, **options):
        start = time.perf_counter()
        with transaction.atomic():
            count = rebuild_index()
            count_public_change()  # search results and the API may answer differently now
        tidy_index()
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {count} items in {time.perf_counter() - start:.1f} s.")
        )
