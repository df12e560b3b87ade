import { useEffect, useState } from "react";
import { api, isAdmin, onSessionChange, session, signOut } from "./api";
import type { StaffSession } from "./api";
import { setTimeZone } from "./format";
import { LanguageSwitch, t, useLanguage } from "./i18n";
import { Link, match, navigate, useLocation } from "./router";
import { Login } from "./screens/Login";
import { Dashboard } from "./screens/Dashboard";
import { Mitras } from "./screens/Mitras";
import { MitraDetail } from "./screens/MitraDetail";
import { Clients, ClientDetail } from "./screens/Clients";
import { PairingRequests } from "./screens/PairingRequests";
import { Sessions } from "./screens/Sessions";
import { SessionAudit } from "./screens/SessionAudit";
import { RiskFlags } from "./screens/RiskFlags";
import { Settings } from "./screens/Settings";
import { Packages } from "./screens/Packages";
import { Staff } from "./screens/Staff";
import { AuditLog } from "./screens/AuditLog";
import type { Key } from "./i18n";
import type { ReactNode } from "react";

interface Route {
  pattern: string;
  nav?: Key;
  admin?: boolean;
  render: (p: Record<string, string>) => ReactNode;
}

const routes: Route[] = [
  { pattern: "/", nav: "nav.dashboard", render: () => <Dashboard /> },
  { pattern: "/mitras", nav: "nav.mitras", render: () => <Mitras /> },
  { pattern: "/mitras/:id", render: (p) => <MitraDetail id={p.id} /> },
  { pattern: "/clients", nav: "nav.clients", render: () => <Clients /> },
  { pattern: "/clients/:id", render: (p) => <ClientDetail id={p.id} /> },
  { pattern: "/pairing-requests", nav: "nav.pairing", render: () => <PairingRequests /> },
  { pattern: "/sessions", nav: "nav.sessions", render: () => <Sessions /> },
  { pattern: "/sessions/:id", render: (p) => <SessionAudit id={p.id} /> },
  { pattern: "/risk-flags", nav: "nav.risk", render: () => <RiskFlags /> },
  { pattern: "/settings", nav: "nav.settings", render: () => <Settings /> },
  { pattern: "/packages", nav: "nav.packages", admin: true, render: () => <Packages /> },
  { pattern: "/staff", nav: "nav.staff", admin: true, render: () => <Staff /> },
  { pattern: "/audit", nav: "nav.audit", render: () => <AuditLog /> },
];

export function App() {
  useLanguage();
  const loc = useLocation();
  const [staff, setStaff] = useState<StaffSession | null>(session());

  useEffect(
    () =>
      onSessionChange((s, expired) => {
        setStaff(s);
        if (!s) {
          // Back to the login screen, remembering the page (expiry or a 401: issue 17).
          const here = location.pathname + location.search;
          navigate(here === "/login" || !expired ? "/login" : "/login?next=" + encodeURIComponent(here), true);
        }
      }),
    [],
  );

  useEffect(() => {
    if (!staff) return;
    api.getSettings().then((s) => setTimeZone(s.timeZone), () => undefined);
  }, [staff]);

  if (!staff || loc.path === "/login") {
    if (loc.path !== "/login") {
      navigate("/login?next=" + encodeURIComponent(loc.full), true);
      return null;
    }
    return <Login />;
  }

  let content: ReactNode = <NotFound />;
  for (const r of routes) {
    const params = match(r.pattern, loc.path);
    if (params) {
      content = r.admin && !isAdmin() ? <NotAllowed /> : r.render(params);
      break;
    }
  }

  return (
    <div className="shell">
      <a className="skip" href="#main">
        {t("nav.skip")}
      </a>
      <header className="top">
        <span className="brand">Halo Bestie · {t("app.title")}</span>
        <span className="who" data-testid="who">
          {staff.staff.name} ({staff.staff.role === "admin" ? t("role.admin") : t("role.operator")})
        </span>
        <LanguageSwitch />
        <button type="button" onClick={() => signOut(false)}>
          {t("nav.logout")}
        </button>
      </header>
      <nav className="side" aria-label={t("nav.label")}>
        <ul>
          {routes
            .filter((r): r is Route & { nav: Key } => r.nav !== undefined && (!r.admin || isAdmin()))
            .map((r) => {
              const active = r.pattern === "/" ? loc.path === "/" : loc.path.startsWith(r.pattern);
              return (
                <li key={r.pattern}>
                  <Link to={r.pattern} aria-current={active ? "page" : undefined}>
                    {t(r.nav)}
                  </Link>
                </li>
              );
            })}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {content}
      </main>
    </div>
  );
}

function NotAllowed() {
  return (
    <section>
      <h1>{t("denied.title")}</h1>
      <p data-testid="not-allowed">{t("denied.body")}</p>
    </section>
  );
}

function NotFound() {
  return (
    <section>
      <h1>{t("notfound.title")}</h1>
      <p>
        <Link to="/">{t("nav.dashboard")}</Link>
      </p>
    </section>
  );
}
