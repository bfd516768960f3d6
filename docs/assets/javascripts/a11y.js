// Material's search overlay has role="dialog" but no name, so screen readers
// announce an unnamed dialog (axe: aria-dialog-name). Name it after its input.
document.querySelectorAll('.md-search[role="dialog"]:not([aria-label]):not([aria-labelledby])')
  .forEach(function (dialog) {
    dialog.setAttribute("aria-label", "Search");
  });
