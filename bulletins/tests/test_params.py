"""Numbers from outside are ASCII digits within range, and issue numbers run from 1 to 10⁹
everywhere: in URLs, the API, the admin, the import command and the database itself."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.urls import reverse

from bulletins.legacy.forms import BatchRowForm
from bulletins.models import Issue
from bulletins.params import ISSUE_NUMBER_MAX, whole_number

from .admin_forms import form_data
from .factories import make_issue

pytestmark = pytest.mark.django_db

NOT_NUMBERS = ["²", "①", "١٢", "１２", "1.0", "1_0", "1e3", "-1", " ", "0x10", "9" * 10_000]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_only_ascii_digits_within_range_are_a_number(text):
    assert whole_number(text, maximum=ISSUE_NUMBER_MAX) is None


def test_numbers_at_the_ends_of_the_range_are_taken_and_past_them_refused():
    assert whole_number("1", maximum=100) == 1
    assert whole_number("100", maximum=100) == 100
    assert whole_number("099", maximum=100) == 99
    assert whole_number("0", maximum=100) is None
    assert whole_number("101", maximum=100) is None


@pytest.mark.parametrize("param", ["page", "page_size"])
@pytest.mark.parametrize("value", ["²", "①", "١", "99999999999999999999", "0"])
@pytest.mark.parametrize("api", ["bulletins:api_item_list", "bulletins:api_issue_list"])
def test_api_pages_in_other_digits_or_out_of_range_get_400_with_a_message(
    client, api, param, value
):
    make_issue(number=1, sections=[("卫星", 1)])
    response = client.get(reverse(api), {param: value})
    assert response.status_code == 400
    assert f"{param} must be a whole number from 1 to" in response.json()["error"]


@pytest.mark.parametrize(
    "url",
    [
        "/search/",
        reverse("bulletins:api_item_list"),
        reverse("bulletins:section_archive", args=["卫星"]),
    ],
)
@pytest.mark.parametrize("number", [str(10**9 + 1), "9" * 20, str(2**63)])
def test_an_issue_number_past_the_limit_with_a_query_is_a_form_error(client, url, number):
    make_issue(number=1, sections=[("卫星", 1)])
    response = client.get(url, {"q": "卫星", "issue": number})
    if url.startswith("/api/"):
        assert response.status_code == 400
        assert response.json()["fields"]["issue"] == [
            "Ensure this value is less than or equal to 1000000000."
        ]
    else:
        assert response.status_code == 200
        assert "确保该值小于或等于1000000000" in response.content.decode()


def test_the_largest_issue_number_is_found_by_its_url_and_a_larger_one_is_not(client):
    make_issue(number=ISSUE_NUMBER_MAX, sections=[("卫星", 1)])
    assert client.get(f"/issues/{ISSUE_NUMBER_MAX}/").status_code == 200
    assert client.get(f"/api/issues/{ISSUE_NUMBER_MAX}/").status_code == 200
    assert client.get(f"/issues/{ISSUE_NUMBER_MAX}/1-1/").status_code == 200
    for huge in [ISSUE_NUMBER_MAX + 1, 2**63, 10**30]:
        assert client.get(f"/issues/{huge}/").status_code == 404
        response = client.get(f"/api/issues/{huge}/")
        assert response.status_code == 404 and response.json()["error"]
    assert client.get(f"/api/items/?q=卫星&issue={ISSUE_NUMBER_MAX}").json()["count"] == 1


def test_the_database_refuses_an_issue_number_past_the_limit():
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.create(number=ISSUE_NUMBER_MAX + 1, title="过大")


def test_the_compose_screen_refuses_an_issue_number_past_the_limit(editor):
    add = reverse("admin:bulletins_issue_add")
    data = form_data(editor.get(add))
    data.update(number=str(10**11), title="新一期", issue_date="2024-02-26")
    response = editor.post(add, data)
    assert response.status_code == 200
    assert "确保该值小于或等于1000000000" in response.content.decode()
    data["number"] = str(ISSUE_NUMBER_MAX)
    assert editor.post(add, data).status_code == 302
    assert Issue.objects.get().number == ISSUE_NUMBER_MAX


def test_the_import_screen_refuses_an_issue_number_past_the_limit():
    form = BatchRowForm(data={"number": str(10**11)})  # a row of the import desk's preview
    assert "确保该值小于或等于1000000000。" in form.errors["number"]
    form = BatchRowForm(data={"number": "²"})
    assert form.errors["number"] == ["请输入整数，只用数字 0 到 9。"]


@pytest.mark.parametrize("number", [str(10**11), str(ISSUE_NUMBER_MAX + 1), "²", "0"])
def test_import_legacy_refuses_an_issue_number_past_the_limit(tmp_path, number):
    path = tmp_path / "issue.txt"
    path.write_text("一周要闻\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_legacy", str(path), "--number", number, stdout=StringIO())
    assert refused.value.returncode == 2
    assert "--number must be a whole number from 1 to 1,000,000,000" in str(refused.value)
    assert not Issue.objects.exists()
