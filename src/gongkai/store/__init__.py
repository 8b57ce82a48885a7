"""The database: tables, migrations, filings, queries and aggregates. The only place with SQL."""
