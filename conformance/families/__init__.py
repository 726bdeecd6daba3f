"""The check families: each turns its inputs (fixtures, scenarios, schemas) into checks."""
