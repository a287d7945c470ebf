from decimal import Decimal

import pytest
from common.money import InvalidAmount, Money, UnknownCurrency, exponent_of
from hypothesis import given
from hypothesis import strategies as st

CURRENCIES = ["INR", "USD", "JPY", "KWD", "PI", "BTC", "ETH", "USDC"]


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("499.00", "INR", Money(49900, "INR")),
        ("499", "inr", Money(49900, "INR")),
        ("0.01", "USD", Money(1, "USD")),
        (" 12.5 ", "EUR", Money(1250, "EUR")),
        ("1000", "JPY", Money(1000, "JPY")),
        (1000, "JPY", Money(1000, "JPY")),
        ("1.234", "KWD", Money(1234, "KWD")),
        ("3.1415926", "PI", Money(31415926, "PI")),
        (Decimal("0.0000001"), "PI", Money(1, "PI")),
        ("0", "USD", Money(0, "USD")),
    ],
)
def test_from_major_parses_exactly(amount: str, currency: str, expected: Money) -> None:
    """Major-unit amounts become exact minor units for 2-, 0-, 3- and 7-decimal currencies."""
    assert Money.from_major(amount, currency) == expected


@pytest.mark.parametrize(
    ("raw", "decimals", "currency", "expected"),
    [
        ("0xf4240", 6, "USDC", Money(1_000_000, "USDC")),
        ("0xDE0B6B3A7640000", 18, "ETH", Money(10**18, "ETH")),
        ("1000000", 6, "USDT", Money(1_000_000, "USDT")),
        (2_500_000, 6, "USDC", Money(2_500_000, "USDC")),
        ("1500000000000000000", 18, "USDC", Money(1_500_000, "USDC")),
        ("15", 1, "PI", Money(15_000_000, "PI")),
    ],
)
def test_from_raw_reads_hex_and_decimal_token_values(
    raw: str | int, decimals: int, currency: str, expected: Money
) -> None:
    """A raw token value, hex or decimal, is converted with the token's decimals."""
    assert Money.from_raw(raw, decimals, currency) == expected


@pytest.mark.parametrize(
    ("raw", "decimals", "currency"),
    [
        ("1500000000000000001", 18, "USDC"),
        ("-5", 6, "USDC"),
        ("0xzz", 6, "USDC"),
        ("12.5", 6, "USDC"),
        ("", 6, "USDC"),
    ],
)
def test_from_raw_refuses_what_does_not_fit(raw: str, decimals: int, currency: str) -> None:
    """A raw value that is negative, not an integer, or finer than the currency is refused."""
    with pytest.raises(InvalidAmount):
        Money.from_raw(raw, decimals, currency)


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        ("499.001", "INR"),
        ("1000.5", "JPY"),
        ("1.2345", "KWD"),
        ("3.14159265", "PI"),
    ],
)
def test_too_many_decimals_are_refused_not_rounded(amount: str, currency: str) -> None:
    """An amount finer than the currency's minor unit is refused rather than rounded."""
    with pytest.raises(InvalidAmount) as exc:
        Money.from_major(amount, currency)
    assert str(exc.value) == f"{amount!r} has more decimals than {currency} allows"


def test_floats_are_refused() -> None:
    """A float is never accepted as money, even one that looks exact."""
    with pytest.raises(InvalidAmount) as exc:
        Money.from_major(499.0, "INR")  # type: ignore[arg-type]
    assert str(exc.value) == "floats are not accepted for money"


@pytest.mark.parametrize("amount", ["-1", "-0.01", "NaN", "sNaN", "Infinity", "-Infinity"])
def test_negative_and_non_finite_amounts_are_refused(amount: str) -> None:
    """Negative amounts, NaN and Infinity are refused."""
    with pytest.raises(InvalidAmount) as exc:
        Money.from_major(amount, "USD")
    assert str(exc.value) == f"not a non-negative finite amount: {amount!r}"


@pytest.mark.parametrize("amount", ["", "abc", "1,000.00", "12..5", "0x10"])
def test_text_that_is_not_a_number_is_refused(amount: str) -> None:
    """Text that is not a decimal number is refused."""
    with pytest.raises(InvalidAmount) as exc:
        Money.from_major(amount, "USD")
    assert str(exc.value) == f"not a number: {amount!r}"


@pytest.mark.parametrize("amount", ["1e76", "1e1000000", "1e999999999999999999", "9" * 200])
def test_absurd_magnitudes_are_refused(amount: str) -> None:
    """An amount of 10**78 minor units or more is refused, however it is written."""
    with pytest.raises(InvalidAmount) as exc:
        Money.from_major(amount, "USD")
    assert str(exc.value) == f"{amount!r} is too large"


@pytest.mark.parametrize("amount", ["1e-1000000", "1e-999999999999999999"])
def test_absurdly_fine_amounts_are_refused(amount: str) -> None:
    """An amount far finer than a minor unit is refused like any other extra decimals."""
    with pytest.raises(InvalidAmount) as exc:
        Money.from_major(amount, "USD")
    assert str(exc.value) == f"{amount!r} has more decimals than USD allows"


def test_the_largest_uint256_token_value_fits() -> None:
    """A full uint256 raw value (78 digits) is a valid amount in both directions."""
    largest = Money.from_raw(hex(2**256 - 1), 18, "ETH")
    assert largest == Money(2**256 - 1, "ETH")
    assert Money.from_major(largest.to_major(), "ETH") == largest


def test_minor_units_must_be_an_integer() -> None:
    """Minor units are an int, never a bool, float or Decimal."""
    for minor in (True, 1.0, Decimal(1)):
        with pytest.raises(InvalidAmount):
            Money(minor, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["", "US", "usd1", "DOLLARS", "$", "ZZZZ"])
def test_unknown_currency_codes_are_refused(code: str) -> None:
    """A code that is neither ISO 4217-shaped nor a known asset is refused."""
    with pytest.raises(UnknownCurrency):
        Money(1, code)


def test_exponents_per_currency() -> None:
    """Each currency has its number of minor-unit digits."""
    assert {code: exponent_of(code) for code in CURRENCIES} == {
        "INR": 2,
        "USD": 2,
        "JPY": 0,
        "KWD": 3,
        "PI": 7,
        "BTC": 8,
        "ETH": 18,
        "USDC": 6,
    }


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(49900, "INR"), "499.00 INR"),
        (Money(5, "USD"), "0.05 USD"),
        (Money(1000, "JPY"), "1000 JPY"),
        (Money(1234, "KWD"), "1.234 KWD"),
        (Money(31415926, "PI"), "3.1415926 PI"),
        (Money(0, "BTC"), "0.00000000 BTC"),
        (Money(10**30 + 1, "ETH"), "1000000000000.000000000000000001 ETH"),
    ],
)
def test_format_shows_every_minor_digit(money: Money, text: str) -> None:
    """Formatting shows the major amount with exactly the currency's digits."""
    assert money.format() == text
    assert str(money) == text


def test_to_major_is_exact_for_large_amounts() -> None:
    """``to_major`` keeps every digit, however large the amount."""
    assert Money(10**30 + 1, "ETH").to_major() == Decimal("1000000000000.000000000000000001")


@given(minor=st.integers(min_value=0, max_value=10**40), currency=st.sampled_from(CURRENCIES))
def test_minor_to_major_and_back_round_trips_exactly(minor: int, currency: str) -> None:
    """Minor units → major units → minor units gives back the same Money."""
    money = Money(minor, currency)
    assert Money.from_major(money.to_major(), currency) == money
    assert Money.from_major(str(money.to_major()), currency) == money
