import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState } from "react";
import type { InputHTMLAttributes, ReactNode } from "react";
import { problemOf } from "./api";
import type { Problem } from "./api";
import { t, problemText } from "./i18n";

/** Loads with the given function now and whenever deps change; `reload` runs it again; `every` polls. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], every?: number) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [problem, setProblem] = useState<Problem | undefined>(undefined);
  const ref = useRef(load);
  useLayoutEffect(() => {
    ref.current = load;
  });
  const reload = useCallback(async () => {
    try {
      setData(await ref.current());
      setProblem(undefined);
    } catch (e) {
      setProblem(problemOf(e));
    }
  }, []);
  useEffect(() => {
    void reload();
    if (!every) return;
    const id = window.setInterval(() => void reload(), every);
    return () => window.clearInterval(id);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return { data, problem, reload, setData };
}

/** Runs an action, keeping its problem (shown by the form) and whether it is running. */
export function useAction() {
  const [problem, setProblem] = useState<Problem | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setProblem(undefined);
    try {
      return await action();
    } catch (e) {
      setProblem(problemOf(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { problem, busy, run, setProblem };
}

export function ProblemBanner({ problem }: { problem?: Problem }) {
  if (!problem) return null;
  return (
    <p className="problem" role="alert" data-testid="problem" data-problem={problem.name}>
      {problemText(problem)}
    </p>
  );
}

/** The field's messages from a 400 validation answer (keys are the API's camelCase field names). */
export function fieldErrors(problem: Problem | undefined, field: string): string[] {
  if (!problem) return [];
  const want = field.toLowerCase();
  return Object.entries(problem.errors)
    .filter(([k]) => k.toLowerCase() === want || k.toLowerCase().startsWith(want + "[") || k.toLowerCase().startsWith(want + "."))
    .flatMap(([, v]) => v);
}

export function Field({
  label,
  problem,
  name,
  hint,
  children,
  ...input
}: { label: string; problem?: Problem; name: string; hint?: string; children?: ReactNode } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const errors = fieldErrors(problem, name);
  const described = errors.length > 0 ? id + "-err" : hint ? id + "-hint" : undefined;
  return (
    <div className="field">
      {children ? (
        <span className="label" id={id + "-label"}>
          {label}
        </span>
      ) : (
        <label htmlFor={id}>{label}</label>
      )}
      {children ?? <input id={id} name={name} aria-invalid={errors.length > 0 || undefined} aria-describedby={described} {...input} />}
      {hint && errors.length === 0 && (
        <small id={id + "-hint"} className="hint">
          {hint}
        </small>
      )}
      {errors.length > 0 && (
        <small id={id + "-err"} className="field-error" data-testid={`error-${name}`}>
          {errors.join(" ")}
        </small>
      )}
    </div>
  );
}

export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <div className="pager">
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t("common.prev")}
      </button>
      <span>
        {t("common.page")} {page} / {pages} · {total}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t("common.next")}
      </button>
    </div>
  );
}

export function Yes({ value }: { value: boolean }) {
  return <>{value ? t("common.yes") : t("common.no")}</>;
}

export function Short({ id }: { id?: string | null }) {
  if (!id) return <>—</>;
  return (
    <code title={id} className="short">
      {id.slice(-8)}
    </code>
  );
}
