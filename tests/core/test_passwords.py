"""Password rules (issue 9, finding 5; ADR 0028): all-digit, short, date-like and run-like
passwords are refused wherever a password is chosen; the demo's password is set knowingly
without them."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from reformledger.core.passwords import PatternPasswordValidator, remaining_after_patterns
from reformledger.demo.story import DEMO_PASSWORD


@pytest.mark.parametrize(
    "password",
    [
        "84736291",  # all digits (and short)
        "8473629150",  # all digits
        "20261203",  # a date
        "20261203ab",  # a date and two letters
        "2026-12-03xy",
        "03.12.2026!!",
        "aaaaaaaa11",  # a repeat
        "12345678ab",  # a run
        "abcdefgh12",
        "98765432zz",
        "short-1",  # under ten characters
    ],
)
def test_weak_passwords_are_refused(password, db):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["river-lantern-42", "Budget2026!review", "汉字密码很长的一句话吧", "MySecret1234xy"])
def test_good_passwords_pass(password, db):
    validate_password(password)


def test_what_the_pattern_rule_takes_out():
    assert remaining_after_patterns("20261203ab") == "ab"
    assert remaining_after_patterns("aaaaaaaa11") == "11"
    assert remaining_after_patterns("12345678ab") == "ab"
    assert remaining_after_patterns("x1234y") == "xy"
    assert remaining_after_patterns("x123y") == "x123y"  # three in a row is allowed
    assert remaining_after_patterns("20261399ab") == "20261399ab"  # not a date: month 13
    with pytest.raises(ValidationError) as refused:
        PatternPasswordValidator().validate("2026-12-03aa")
    assert refused.value.error_list[0].code == "password_pattern"


def test_the_demo_password_is_set_without_the_rules_on_purpose(db):
    # The demo district's logins share one documented password, set as a hash by the loader
    # (demo.organisation), not through a form: it is for trying the demo, never for production.
    with pytest.raises(ValidationError):
        validate_password(DEMO_PASSWORD)
