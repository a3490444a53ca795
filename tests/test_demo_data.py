from django.core.management import call_command

from frontdoor.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from frontdoor.models import Agency, User
from frontdoor.roles import Role


def test_demo_data_gives_one_account_per_role_and_can_be_loaded_twice(db, capsys):
    call_command("load_demo_data", allow_without_debug=True)
    call_command("load_demo_data", allow_without_debug=True)

    assert {account.role for account in DEMO_ACCOUNTS} == set(Role)
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert user.check_password(DEMO_PASSWORD)
        assert list(user.groups.values_list("name", flat=True)) == [account.role.value]
    assert Agency.objects.count() == 10
    printed = capsys.readouterr().out
    assert DEMO_PASSWORD in printed
    assert DEMO_ACCOUNTS[0].email in printed


def test_demo_data_is_refused_without_debug(db, settings):
    import pytest
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo_data")
