/** A time-series chart (uPlot: small, canvas, MIT) in a box of fixed height, with the same data as a table for screen readers. */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { count, time } from "./format";

export interface Line {
  label: string;
  color: string;
  values: (number | null)[];
}

export const CHART_HEIGHT = 260;

const tick = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hour12: false,
});

export function TimeChart(props: { title: string; times: string[]; lines: Line[] }) {
  const box = useRef<HTMLDivElement>(null);
  const { times, lines } = props;
  useEffect(() => {
    const el = box.current;
    if (!el || times.length === 0) return;
    const xs = times.map((t) => Date.parse(t) / 1000);
    const plot = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: CHART_HEIGHT,
        // A single observation is still a point: draw points always.
        series: [
          {},
          ...lines.map((l) => ({ label: l.label, stroke: l.color, width: 2, points: { show: true, size: 7 } })),
        ],
        // Beijing time, month-day hour:minute: the default labels are English and sub-second when points are close.
        axes: [{ values: (_u, splits) => splits.map((s) => tick.format(s * 1000)) }, { size: 60 }],
        scales: { x: { time: true } },
        legend: { show: true },
      },
      [xs, ...lines.map((l) => l.values)] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(280, el.clientWidth), height: CHART_HEIGHT }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, lines]);
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      {times.length === 0 ? (
        <p class="chart-box empty">还没有观测数据。</p>
      ) : (
        <div
          class="chart-box"
          ref={box}
          data-points={times.length}
          role="img"
          aria-label={`${props.title}：${times.length} 个观测点`}
        />
      )}
      {times.length > 0 && (
        <details>
          <summary>数据表（{times.length} 个点）</summary>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">时间</th>
                  {lines.map((l) => (
                    <th scope="col" key={l.label}>
                      {l.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {times.map((t, i) => (
                  <tr key={t + String(i)}>
                    <td>{time(t)}</td>
                    {lines.map((l) => (
                      <td class="num" key={l.label}>
                        {count(l.values[i] ?? null)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </figure>
  );
}
