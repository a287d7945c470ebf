"""Exact money: integer minor units and a currency (ISO 4217 or a crypto asset code).

Provider formats are parsed with ``Decimal``, never ``float``: ``"499.00"`` INR is 49900
paise, ``1000`` JPY is 1000 yen, ``"3.1415926"`` PI is 31415926 of its 10^-7 units, and an
ERC-20 raw value is already in minor units with its token's decimals. A value with more
fractional digits than the currency has is refused rather than rounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, InvalidOperation

__all__ = ["InvalidAmount", "Money", "UnknownCurrency", "exponent_of", "normalize_currency"]

_ZERO_DECIMAL = {
    "BIF",
    "CLP",
    "DJF",
    "GNF",
    "ISK",
    "JPY",
    "KMF",
    "KRW",
    "PYG",
    "RWF",
    "UGX",
    "UYI",
    "VND",
    "VUV",
    "XAF",
    "XOF",
    "XPF",
}
_THREE_DECIMAL = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}
_ASSETS = {
    "BTC": 8,
    "LTC": 8,
    "BCH": 8,
    "DOGE": 8,
    "ETH": 18,
    "MATIC": 18,
    "POL": 18,
    "DAI": 18,
    "USDC": 6,
    "USDT": 6,
    "PYUSD": 6,
    "SOL": 9,
    "PI": 7,
    "XLM": 7,
    "TON": 9,
}
_MAX_MINOR_DIGITS = 78
"""Minor units are below 10**78 (a uint256 token value has at most 78 digits)."""
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
"""Decimal arithmetic that never rounds (the default context keeps only 28 digits)."""
_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,9}$")
_ISO = re.compile(r"^[A-Z]{3}$")


class UnknownCurrency(ValueError):
    """The currency code is neither ISO 4217-shaped nor a known asset."""


class InvalidAmount(ValueError):
    """The amount is not an exact, non-negative value representable in minor units."""


def normalize_currency(code: str) -> str:
    """Upper-case a currency code and check its shape."""
    upper = code.strip().upper()
    if not _CODE.match(upper) or (upper not in _ASSETS and not _ISO.match(upper)):
        raise UnknownCurrency(f"unknown currency {code!r}")
    return upper


def exponent_of(currency: str) -> int:
    """Digits after the decimal point in the currency's major unit."""
    code = normalize_currency(currency)
    if code in _ASSETS:
        return _ASSETS[code]
    if code in _ZERO_DECIMAL:
        return 0
    if code in _THREE_DECIMAL:
        return 3
    return 2


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount: ``minor`` units of ``currency``."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise InvalidAmount("minor units must be an integer")
        object.__setattr__(self, "currency", normalize_currency(self.currency))

    @classmethod
    def from_major(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Parse a major-unit amount (``"499.00"``, ``"3.1415926"``) exactly."""
        if isinstance(amount, float):
            raise InvalidAmount("floats are not accepted for money")
        try:
            value = Decimal(str(amount).strip())
        except InvalidOperation as exc:
            raise InvalidAmount(f"not a number: {amount!r}") from exc
        if not value.is_finite() or value < 0:
            raise InvalidAmount(f"not a non-negative finite amount: {amount!r}")
        exponent = exponent_of(currency)
        if value and value.adjusted() + exponent >= _MAX_MINOR_DIGITS:
            raise InvalidAmount(f"{amount!r} is too large")
        scaled = value.scaleb(exponent, _EXACT)
        if scaled != scaled.to_integral_value(context=_EXACT):
            raise InvalidAmount(f"{amount!r} has more decimals than {currency.upper()} allows")
        return cls(int(scaled), currency)

    @classmethod
    def from_raw(cls, raw_value: str | int, decimals: int, currency: str) -> Money:
        """Parse a token's raw integer value (hex ``0x...`` or decimal) with its decimals."""
        try:
            raw = (
                int(raw_value, 16)
                if isinstance(raw_value, str) and raw_value.lower().startswith("0x")
                else int(raw_value)
            )
        except ValueError as exc:
            raise InvalidAmount(f"not an integer raw value: {raw_value!r}") from exc
        shift = exponent_of(currency) - decimals
        if raw < 0 or (shift < 0 and raw % 10 ** (-shift)):
            raise InvalidAmount(f"{raw_value!r} does not fit {currency.upper()}")
        return cls(raw * 10**shift if shift >= 0 else raw // 10 ** (-shift), currency)

    def to_major(self) -> Decimal:
        """The amount in major units, exact."""
        return Decimal(self.minor).scaleb(-exponent_of(self.currency), _EXACT)

    def format(self) -> str:
        """``499.00 INR``: the major amount with the currency's digits."""
        exp = exponent_of(self.currency)
        return f"{self.to_major():.{exp}f} {self.currency}"

    def __str__(self) -> str:
        return self.format()
