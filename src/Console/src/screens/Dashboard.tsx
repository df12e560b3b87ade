import { useEffect, useRef, useState } from "react";
import { api, DashboardFigures, signOut } from "../api";
import { fmtDateTime, fmtDay, fmtNumber } from "../format";
import { t } from "../i18n";
import type { Key } from "../i18n";
import { openStream } from "../sse";

export function Dashboard() {
  const [figures, setFigures] = useState<DashboardFigures | undefined>();
  const [state, setState] = useState<"connecting" | "open" | "closed">("connecting");
  const painted = useRef(false);

  useEffect(() => {
    let live = false;
    // The stream's first event carries every figure; the plain GET paints them if it is first.
    api.getDashboard().then((d) => !live && setFigures(d), () => undefined);
    return openStream("/api/internal/dashboard/events", {
      onEvent: (event, data) => {
        if (event !== "dashboard") return;
        live = true;
        setFigures(DashboardFigures.fromJS(JSON.parse(data)));
      },
      onState: setState,
      onUnauthorized: () => signOut(true),
    });
  }, []);

  useEffect(() => {
    if (figures && !painted.current) {
      painted.current = true;
      performance.mark("console:figures-painted");
    }
  }, [figures]);

  const f = figures;
  const today = f?.today;
  const card = (key: Key, value: string, id: string) => (
    <div className="card" key={id}>
      <div className="label">{t(key)}</div>
      <div className="figure" data-testid={`figure-${id}`}>
        {value}
      </div>
    </div>
  );
  return (
    <section>
      <h1>{t("nav.dashboard")}</h1>
      <p className="live" data-state={state} aria-live="polite">
        {state === "open" ? t("dash.live") : t("dash.reconnecting")} {f && <>· {t("dash.at")} {fmtDateTime(f.at)}</>}
      </p>
      {!f ? (
        <p>{t("common.loading")}</p>
      ) : (
        <>
          <h2>{t("dash.now")}</h2>
          <div className="cards">
            {card("dash.mitrasOnline", fmtNumber(f.mitrasOnline), "mitrasOnline")}
            {card("dash.mitrasAvailable", fmtNumber(f.mitrasAvailable), "mitrasAvailable")}
            {card("dash.mitrasAtCapacity", fmtNumber(f.mitrasAtCapacity), "mitrasAtCapacity")}
            {card("dash.mitrasInBackground", fmtNumber(f.mitrasInBackground), "mitrasInBackground")}
            {card("dash.clientsSearching", fmtNumber(f.clientsSearching), "clientsSearching")}
            {card("dash.activeSessions", fmtNumber(f.activeSessions), "activeSessions")}
            {card("dash.openRiskFlags", fmtNumber(f.openRiskFlags), "openRiskFlags")}
          </div>
          <h2>
            {t("dash.today")} ({fmtDay(today?.date)})
          </h2>
          <div className="cards">
            {card("dash.pairingRequests", fmtNumber(today?.pairingRequests), "pairingRequests")}
            {card("dash.matched", fmtNumber(today?.matched), "matched")}
            {card("dash.expired", fmtNumber(today?.expired), "expired")}
            {card("dash.cancelled", fmtNumber(today?.cancelled), "cancelled")}
            {card("dash.matchRate", today ? fmtNumber(today.matchRate * 100, 1) + " %" : "—", "matchRate")}
            {card("dash.medianWait", today?.medianWaitSeconds != null ? fmtNumber(today.medianWaitSeconds, 2) + " s" : "—", "medianWait")}
            {card("dash.p90Wait", today?.p90WaitSeconds != null ? fmtNumber(today.p90WaitSeconds, 2) + " s" : "—", "p90Wait")}
            {card("dash.sessionsEnded", fmtNumber(today?.sessionsEnded), "sessionsEnded")}
            {card("dash.averageSession", today?.averageSessionMinutes != null ? fmtNumber(today.averageSessionMinutes, 1) + " min" : "—", "averageSession")}
            {card("dash.messages", fmtNumber(today?.messages), "messages")}
            {card("dash.averageRating", today?.averageRating != null ? fmtNumber(today.averageRating, 2) + " ★" : "—", "averageRating")}
          </div>
        </>
      )}
    </section>
  );
}
