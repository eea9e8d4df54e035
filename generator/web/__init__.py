"""The deal desk: `dealdocs serve`, the command line's functions behind web pages."""
