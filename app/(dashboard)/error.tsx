"use client";

// Catches a failing dashboard page inside the dashboard's layout, so the navigation stays.
import { ErrorNotice } from "../components/error-notice";

export default function DashboardError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorNotice error={error} retry={retry} />;
}
