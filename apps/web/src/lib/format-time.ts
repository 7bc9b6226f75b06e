const time = new Intl.DateTimeFormat('en-US', { timeStyle: 'medium' });

/** A time of day: "6:30:15 AM". */
export function formatTime(date: Date): string {
  return time.format(date);
}
