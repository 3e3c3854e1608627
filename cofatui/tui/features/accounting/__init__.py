"""Tools › Accounting (issue 20 items 7–8): the journal of the insurance sub-ledger,
its balance and an account's ledger, and the books' set-up."""
