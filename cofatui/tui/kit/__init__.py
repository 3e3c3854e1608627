"""What the features share (features never import each other; they import this, and open
each other's screens through ``tui/navigation``):

- the shell's frame: ``header`` (with the contract picker), ``footer``;
- modal screens: ``dialog`` (the ``Dialog`` base with its submit/cancel handlers, the one
  ``ConfirmScreen``), ``dialogs.tcss`` and the other shared style sheets (``styles``);
- forms: ``form`` (fields and error display), ``amount_field``, ``choices``, ``drafts``
  (a form's draft and leaving it), ``typed_input`` (reading what people type, the one
  locale-aware parser), ``reference_options`` (countries and identifier types);
- lists: ``virtual_list``, ``paged_source`` and ``list_source``;
- lines typed or imported (claims and extensions): ``lines`` (``RowsPanel``) and
  ``line_import`` (the file dialogs and the import grid);
- domain wording several features show: ``products``, ``delivered``, ``requests``,
  ``notification_rows``, ``unpaid`` (the NEW ACTION menu's unpaid-services items);
- ``file_picker``, ``job_follow`` (a queued job followed to its file), ``delays`` (every
  wait made on purpose, in one object tests set near zero).
"""
