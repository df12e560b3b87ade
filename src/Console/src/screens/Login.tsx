import { useState } from "react";
import type { FormEvent } from "react";
import { api, LogIn, problemOf, signIn } from "../api";
import type { Problem } from "../api";
import { LanguageSwitch, t } from "../i18n";
import { navigate, useLocation } from "../router";
import { Field, ProblemBanner } from "../ui";

export function Login() {
  const loc = useLocation();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [problem, setProblem] = useState<Problem | undefined>();
  const [busy, setBusy] = useState(false);
  const expired = loc.query.has("next");

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(undefined);
    try {
      const result = await api.logIn(new LogIn({ email, password }));
      performance.mark("console:logged-in");
      signIn(result);
      const next = loc.query.get("next");
      // Only a path of this console, never another origin.
      navigate(next && next.startsWith("/") && !next.startsWith("//") ? next : "/", true);
    } catch (err) {
      setProblem(problemOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <form onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">Halo Bestie · {t("app.title")}</h1>
        {expired && !problem && <p className="note">{t("login.again")}</p>}
        <Field label={t("login.email")} name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} problem={problem} autoFocus />
        <Field label={t("login.password")} name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} problem={problem} />
        <ProblemBanner problem={problem} />
        <button type="submit" className="primary" disabled={busy}>
          {t("login.submit")}
        </button>
        <LanguageSwitch />
      </form>
    </main>
  );
}
