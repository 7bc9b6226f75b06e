/** Why a job failed, as an alert. */
export function JobFailure({ message }: { message: string }) {
  return (
    <section className="alert alert--danger" role="alert" data-testid="failure">
      <h2 className="alert__title">The import failed</h2>
      <p className="alert__body">{message || 'The server gave no reason.'}</p>
    </section>
  );
}
