"use client";

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { useEffect, useRef } from "react";

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
);

export interface VolumeDay {
  /** The end of the rolling 24 hours, as an ISO string. */
  endsAt: string;
  count: number;
}

/**
 * What was sent in each of the last rolling 24-hour windows against the daily limit, drawn on a
 * canvas by Chart.js. Colours follow the canvas's CSS colour (light or dark theme) and are read
 * again when the theme changes. Screen readers get the figures from the table the page renders
 * next to the chart; the canvas itself is hidden from them.
 */
export function VolumeChart({
  days,
  dailyLimit,
  unit,
}: {
  days: VolumeDay[];
  dailyLimit: number;
  unit: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const element = canvas.current;
    if (!element) return;
    const labels = days.map((d) =>
      new Date(d.endsAt).toLocaleDateString(undefined, { month: "short", day: "numeric" }),
    );
    const colours = () => {
      const style = getComputedStyle(element);
      return {
        text: style.color,
        grid: style.getPropertyValue("--chart-grid").trim() || "rgba(128,128,128,0.2)",
        bar: style.getPropertyValue("--chart-bar").trim() || "#2563eb",
        limit: style.getPropertyValue("--chart-limit").trim() || "#dc2626",
      };
    };
    const c = colours();
    const chart = new Chart(element, {
      data: {
        labels,
        datasets: [
          {
            type: "bar",
            label: `Sent (${unit})`,
            // No bar at all for a window without sends (minBarLength would draw one).
            data: days.map((d) => d.count || null),
            backgroundColor: c.bar,
            borderRadius: 3,
            // A day with a few sends stays visible beside a limit of hundreds.
            minBarLength: 2,
          },
          {
            type: "line",
            label: `Daily limit (${dailyLimit.toLocaleString("en-US")})`,
            data: days.map(() => dailyLimit),
            borderColor: c.limit,
            borderDash: [6, 4],
            borderWidth: 2,
            pointRadius: 0,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        responsive: true,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { labels: { color: c.text } } },
        scales: {
          x: {
            ticks: { color: c.text, maxRotation: 0, autoSkipPadding: 12 },
            grid: { display: false },
          },
          y: { beginAtZero: true, ticks: { color: c.text, precision: 0 }, grid: { color: c.grid } },
        },
      },
    });

    const recolour = () => {
      const next = colours();
      const [bars, limit] = chart.data.datasets;
      if (bars) bars.backgroundColor = next.bar;
      if (limit) limit.borderColor = next.limit;
      const { x, y } = chart.options.scales ?? {};
      if (x?.ticks) x.ticks.color = next.text;
      if (y?.ticks) y.ticks.color = next.text;
      if (y?.grid) y.grid.color = next.grid;
      if (chart.options.plugins?.legend?.labels)
        chart.options.plugins.legend.labels.color = next.text;
      chart.update();
    };
    const media = window.matchMedia("(prefers-color-scheme: dark)");
    media.addEventListener("change", recolour);
    const observer = new MutationObserver(recolour);
    observer.observe(document.documentElement, { attributes: true });
    return () => {
      media.removeEventListener("change", recolour);
      observer.disconnect();
      chart.destroy();
    };
  }, [days, dailyLimit, unit]);

  return (
    <div className="relative h-64 w-full">
      <canvas
        ref={canvas}
        aria-hidden="true"
        data-testid="volume-chart"
        className="text-zinc-600 [--chart-bar:#2563eb] [--chart-grid:rgba(113,113,122,0.25)] [--chart-limit:#dc2626] dark:text-zinc-300 dark:[--chart-bar:#60a5fa] dark:[--chart-limit:#f87171]"
      />
    </div>
  );
}
