"""One of several processes writing to the same database at once (test_concurrent_writers).

Run as `python -m bulletins.tests.concurrency_worker COMMAND ...` with DATABASE_URL set:
    setup                      create an editor and an issue; print the issue's id
    save ISSUE_ID LABEL ROUNDS open the issue's compose screen, say "ready", read the agreed
                               moment (seconds since the epoch) from standard input; in each
                               round wait for it (plus ROUND_GAP a round) and save the issue
                               with a changed title; print the status codes, as JSON
"""

import json
import os
import sys
import time

import django


def setup():
    from django.contrib.auth.models import Group, Permission, User

    from bulletins.tests.factories import make_issue

    group = Group.objects.create(name="Concurrent editors")
    group.permissions.set(Permission.objects.filter(content_type__app_label="bulletins"))
    for name in ("editor-a", "editor-b"):
        User.objects.create_user(name, password="pw", is_staff=True).groups.add(group)
    issue = make_issue(title="并发保存", sections=(("安全行业一周要闻", 3), ("半导体", 2)))
    print(issue.pk)


ROUND_GAP = 0.7  # seconds: time enough for one compose-screen save and the next page load


def save(issue_id, label, rounds):
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from bulletins.tests.admin_forms import form_data

    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=f"editor-{label}"))
    url = reverse("admin:bulletins_issue_change", args=[issue_id])
    statuses = []
    data = form_data(client.get(url))
    print("ready", flush=True)
    start = float(sys.stdin.readline())
    for round_ in range(rounds):
        if round_:
            data = form_data(client.get(url))
        data["title"] = f"编辑 {label} 第 {round_} 次保存"
        time.sleep(max(0.0, start + round_ * ROUND_GAP - time.time()))
        statuses.append(client.post(url, data).status_code)
    print(json.dumps(statuses))


def main(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.test_settings")
    django.setup()
    command, *args = argv
    if command == "setup":
        setup()
    elif command == "save":
        issue_id, label, rounds = args
        save(int(issue_id), label, int(rounds))
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
