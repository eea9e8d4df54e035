"""dealdocs: closing documents for convertible-note financings from one term sheet."""
