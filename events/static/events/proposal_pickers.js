'use strict';
// The admin's proposal pickers list the proposals of the form's conflict first. Django's
// autocomplete.js sends only the term, page and field of the picker, so every autocomplete
// request from a form with a conflict field also carries the conflict chosen in it. jQuery
// has already serialized select2's GET data into a query string when prefilters run.
{
    const $ = django.jQuery;

    $.ajaxPrefilter(function(options) {
        const conflict = document.getElementById('id_conflict');
        if (!conflict || !conflict.value || typeof options.data !== 'string') {
            return;
        }
        const params = new URLSearchParams(options.data);
        if (!params.has('app_label') || !params.has('field_name') || params.has('conflict')) {
            return;
        }
        options.data += '&conflict=' + encodeURIComponent(conflict.value);
    });
}
