"""The HTTP API, the page and the ``tongxin`` command line."""
