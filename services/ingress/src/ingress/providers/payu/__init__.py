"""PayU India transaction callbacks."""

from ingress.providers.payu.provider import PayuProvider, ReverseHashContent, reverse_hash_content

__all__ = ["PayuProvider", "ReverseHashContent", "reverse_hash_content"]
