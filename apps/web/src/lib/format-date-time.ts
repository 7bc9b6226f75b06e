const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });

/** A date and time: "Nov 28, 2025, 6:30 AM". */
export function formatDateTime(date: Date): string {
  return dateTime.format(date);
}
