/**
 * A destructive action asked twice: the first press shows what will happen with "Yes, …" and "Cancel" in its place
 * (focus moves to the confirmation; Escape or Cancel goes back), the second does it.
 */
import { useEffect, useRef, useState } from 'react';

export function ConfirmButton({ label, question, confirm, onConfirm, disabled }: { label: string; question: string; confirm: string; onConfirm: () => void; disabled?: boolean }) {
  const [asking, setAsking] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) yes.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" className="button button-quiet" onClick={() => setAsking(true)} disabled={disabled}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question} onKeyDown={(e) => e.key === 'Escape' && setAsking(false)}>
      <span className="small">{question}</span>
      <button
        ref={yes}
        type="button"
        className="button button-danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirm}
      </button>
      <button type="button" className="button button-quiet" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
