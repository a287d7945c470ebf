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
    "manu": Trigger.CONFIRMED_MANUALLY,
    "rfal": Trigger.REFUND_FAILED,
}
EXPECTED_GRID = """
       pend succ mism fail canc expi rprt rful dopn dwon dlst acpt manu rfal
CRE    PEN  PAI  REV  FAI  CAN  EXP  -    -    -    -    -    -    PAI  -
PEN    -    PAI  REV  FAI  CAN  EXP  -    -    -    -    -    -    PAI  -
FAI    PEN  PAI  REV  -    CAN  EXP  -    -    -    -    -    -    PAI  -
PAI    -    -    -    -    -    -    PRF  REF  DIS  -    -    -    -    PAI
PRF    -    -    -    -    -    -    PRF  REF  DIS  -    -    -    -    PRF
REF    -    -    -    -    -    -    -    -    -    -    -    -    -    -
DIS    -    -    -    -    -    -    -    -    -    PAI  CHB  -    -    DIS
CHB    -    -    -    -    -    -    -    -    -    -    -    -    -    CHB
REV    -    -    -    -    -    -    PRF  REF  DIS  -    -    PAI  PAI  -
EXP    -    REV  REV  -    -    -    -    -    -    -    -    -    PAI  -
CAN    -    REV  REV  -    -    -    -    -    -    -    -    -    PAI  -
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
