"""bulletins.prepared: a query built once, run with each call's parameters."""

import pytest

from bulletins.models import Issue
from bulletins.prepared import PreparedQuery

from .factories import make_issue

pytestmark = pytest.mark.django_db


def issues_numbered_above():
    return PreparedQuery(
        Issue,
        lambda number: (
            Issue.objects.filter(number__gt=number)
            .order_by("number")
            .values_list("number", "published_at")
        ),
        lambda connection, number: [number],
    )


def test_each_call_runs_with_its_own_parameters_and_converts_as_the_orm_does():
    for number in (1, 2, 3):
        make_issue(number=number)
    query = issues_numbered_above()
    assert [number for number, _ in query.rows(1)] == [2, 3]
    assert query.rows(2) == list(
        Issue.objects.filter(number__gt=2).values_list("number", "published_at")
    )
    assert query.rows(3) == []


def test_parameters_that_are_not_the_compiled_ones_fail_loudly():
    query = PreparedQuery(
        Issue,
        lambda number: Issue.objects.filter(number=number).values_list("pk"),
        lambda connection, number: [number + 1],
    )
    with pytest.raises(RuntimeError, match="parameters"):
        query.rows(1)
