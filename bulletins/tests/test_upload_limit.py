"""The size limit of a legacy file (5 MB by default) is checked before the file is read."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bulletins.models import Issue

pytestmark = pytest.mark.django_db


def test_the_import_command_refuses_a_file_over_the_limit_naming_its_size(tmp_path, settings):
    settings.LEGACY_IMPORT_MAX_BYTES = 1024 * 1024
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * (3 * 1024 * 1024))
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_legacy", str(path), stdout=StringIO(), stderr=err)
    assert refused.value.returncode == 1
    assert "3.0 MB" in err.getvalue() + str(refused.value)
    assert "1.0 MB" in err.getvalue() + str(refused.value)
    assert not Issue.objects.exists()
