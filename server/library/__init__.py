"""The library: search across workshops' maps and stories (documents, the index kept current, the query)."""
