"""The lifecycle extension of the emulator checks its own moto targets."""

from __future__ import annotations

from tests import emulator, emulator_lifecycle


def test_every_lifecycle_target_is_in_the_installed_moto():
    assert emulator.missing_targets(emulator_lifecycle.TARGETS) == []


def test_the_emulators_schedule_checks_are_its_own():
    """Independent of safesm's: the emulator refuses what the service refuses."""
    import pytest
    from moto.secretsmanager.exceptions import InvalidParameterException

    for rules in ({"ScheduleExpression": "rate(3 hours)"}, {"AutomaticallyAfterDays": 1001},
                  {"ScheduleExpression": "rate(1 day)", "AutomaticallyAfterDays": 1},
                  {"ScheduleExpression": "cron(0 4 * * *)"}, {"Duration": "25h"}):
        with pytest.raises(InvalidParameterException):
            emulator_lifecycle.check_rules(rules)
    emulator_lifecycle.check_rules({"ScheduleExpression": "rate(4 hours)", "Duration": "4h"})
