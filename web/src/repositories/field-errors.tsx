/** A field's errors as the server gave them, beside it; `id` is what the field's aria-describedby names. */
export function FieldErrors({ id, errors }: { id: string; errors: string[] }) {
  if (errors.length === 0) return null;
  return (
    <p id={id} class="error">
      {errors.join(' ')}
    </p>
  );
}
