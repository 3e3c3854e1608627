"""Tools › Bulk orders (issue 14): import a file of product orders, read its results."""
