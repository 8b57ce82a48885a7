"""gongkai（公开）: annual reports on government information disclosure as validated open data."""
