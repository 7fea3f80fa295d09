'use strict';
// The admin's actor pickers (actors/pickers.py). An option found by an alias reads
// "the Kremlin → Russia · State · RUS"; once chosen it reads its plain label, sent as
// `label`. The option "Add actor “…”…" carries `add_url` instead: choosing it opens Django's
// add-actor popup for this very widget (the popup's window name is the select's id, as for
// Django's own "+" link), and the actor saved there becomes its value through Django's
// dismissAddRelatedObjectPopup.
{
    const $ = django.jQuery;

    $(document).on('select2:selecting', 'select.admin-autocomplete', function(event) {
        const data = event.params.args.data;
        if (data.add_url) {
            event.preventDefault();
            $(this).select2('close');
            const link = document.createElement('a');
            link.id = 'add_' + this.id;
            link.href = data.add_url;
            window.showRelatedObjectPopup(link);
        } else if (data.label) {
            // The <option> select2 makes for the choice, and the selection, read data.text.
            data.text = data.label;
        }
    });
}
