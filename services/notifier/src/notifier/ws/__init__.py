"""The live stream: ``/v1/stream``, its credentials, the stream log and the fan-out."""
