"""The transition table, pair by pair, against an expected grid written independently."""

import itertools

import pytest
from common.events import PaymentStatus
from ledger.domain import IllegalTransition, Trigger, transition

# Rows are statuses, columns triggers, cells the expected next status; "-" means refused.
STATUS = {
    "CRE": PaymentStatus.CREATED,
    "PEN": PaymentStatus.PENDING,
    "PAI": PaymentStatus.PAID,
    "FAI": PaymentStatus.FAILED,
    "REV": PaymentStatus.REVIEW,
    "PRF": PaymentStatus.PARTIALLY_REFUNDED,
    "REF": PaymentStatus.REFUNDED,
    "DIS": PaymentStatus.DISPUTED,
    "CHB": PaymentStatus.CHARGED_BACK,
    "EXP": PaymentStatus.EXPIRED,
    "CAN": PaymentStatus.CANCELLED,
}
TRIGGER = {
    "pend": Trigger.PENDING,
    "succ": Trigger.SUCCEEDED,
    "mism": Trigger.MISMATCHED,
    "fail": Trigger.FAILED,
    "canc": Trigger.CANCELED,
    "expi": Trigger.EXPIRED,
    "rprt": Trigger.REFUNDED_PARTIALLY,
    "rful": Trigger.REFUNDED_FULLY,
    "dopn": Trigger.DISPUTE_OPENED,
    "dwon": Trigger.DISPUTE_WON,
    "dlst": Trigger.DISPUTE_LOST,
    "acpt": Trigger.ACCEPTED,
}
EXPECTED_GRID = """
       pend succ mism fail canc expi rprt rful dopn dwon dlst acpt
CRE    PEN  PAI  REV  FAI  CAN  EXP  -    -    -    -    -    -
PEN    -    PAI  REV  FAI  CAN  EXP  -    -    -    -    -    -
FAI    PEN  PAI  REV  -    CAN  EXP  -    -    -    -    -    -
PAI    -    -    -    -    -    -    PRF  REF  DIS  -    -    -
PRF    -    -    -    -    -    -    PRF  REF  DIS  -    -    -
REF    -    -    -    -    -    -    -    -    -    -    -    -
DIS    -    -    -    -    -    -    -    -    -    PAI  CHB  -
CHB    -    -    -    -    -    -    -    -    -    -    -    -
REV    -    -    -    -    -    -    PRF  REF  DIS  -    -    PAI
EXP    -    REV  REV  -    -    -    -    -    -    -    -    -
CAN    -    REV  REV  -    -    -    -    -    -    -    -    -
"""


def _expected() -> dict[tuple[PaymentStatus, Trigger], PaymentStatus | None]:
    header, *rows = (line.split() for line in EXPECTED_GRID.strip().splitlines())
    triggers = [TRIGGER[name] for name in header]
    return {
        (STATUS[row[0]], trigger): None if cell == "-" else STATUS[cell]
        for row in rows
        for trigger, cell in zip(triggers, row[1:], strict=True)
    }


EXPECTED = _expected()


@pytest.mark.parametrize(
    ("status", "trigger"), list(itertools.product(PaymentStatus, Trigger)), ids=str
)
def test_every_status_and_trigger_pair(status: PaymentStatus, trigger: Trigger) -> None:
    """Each (status, trigger) pair moves exactly where the grid says, or is refused."""
    expected = EXPECTED[(status, trigger)]
    if expected is None:
        with pytest.raises(IllegalTransition):
            transition(status, trigger)
    else:
        assert transition(status, trigger) == expected
