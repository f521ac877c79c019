"""What static hosts need besides the pages: the security policy and the `_headers` file."""
