/**
 * A time-series chart (uPlot: small, canvas, MIT) in a box of fixed height, with the same data as a table for
 * screen readers. Its legend is ours (drawn with the page, so nothing moves when the canvas arrives); its labels
 * are Chinese: dates 9月1日, times in the browser's zone, counts 1.2万 on the axis and exact in the legend.
 */
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { axisCount, count, time, utcOffset } from "./format";
import { X_STEPS, xTicks } from "./ticks";
import { Table, Time } from "./ui";

export interface Line {
  label: string;
  color: string;
  values: (number | null)[];
}

export const CHART_HEIGHT = 260;

const AXIS_FONT = "12px system-ui, sans-serif";

/** The y axis as wide as its longest label (a fixed width clipped large counts on a phone). */
function ySize(u: uPlot, values: string[] | null, axisIdx: number, cycle: number): number {
  const axis = u.axes[axisIdx] as uPlot.Axis & { _size?: number };
  if (cycle > 1 && axis._size !== undefined) return axis._size;
  const longest = (values ?? []).reduce((a, v) => (v.length > a.length ? v : a), "");
  u.ctx.font = AXIS_FONT;
  return Math.ceil(u.ctx.measureText(longest).width) + 18;
}

export function TimeChart(props: { title: string; times: string[]; lines: Line[] }) {
  const box = useRef<HTMLDivElement>(null);
  const legend = useRef<HTMLUListElement>(null);
  const { times, lines } = props;
  useEffect(() => {
    const el = box.current;
    if (!el || times.length === 0) return;
    const xs = times.map((t) => Date.parse(t) / 1000);
    const lone = xs.length === 1 ? (xs[0] ?? null) : null;
    // The legend's value cells, written in place as the cursor moves (fixed widths: the text changing moves nothing);
    // without a cursor they show the latest point.
    const showValues = (idx: number | null | undefined) => {
      const cells = legend.current?.querySelectorAll<HTMLElement>("[data-value]") ?? [];
      cells.forEach((cell, i) => {
        const at = idx ?? times.length - 1; // no cursor: the latest point
        cell.textContent = i === 0 ? time(times[at]) : count(lines[i - 1]?.values[at] ?? null);
      });
    };
    const width = () => Math.max(240, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: CHART_HEIGHT,
        // A single observation is still a point: draw points always.
        series: [
          {},
          ...lines.map((l) => ({ label: l.label, stroke: l.color, width: 2, points: { show: true, size: 7 } })),
        ],
        axes: [
          {
            values: (_u, splits, _axis, _space, incr) => xTicks(splits, incr),
            font: AXIS_FONT,
            space: 70,
            size: 56,
            incrs: X_STEPS,
          },
          { values: (_u, splits) => splits.map(axisCount), size: ySize, font: AXIS_FONT },
        ],
        // One observation: an hour either side of it (uPlot would otherwise span years around a lone point).
        scales: {
          x: { time: true, range: (_u, min, max) => (lone === null ? [min, max] : [lone - 3600, lone + 3600]) },
        },
        legend: { show: false },
        hooks: { setLegend: [(u) => showValues(u.cursor.idx)] },
      },
      [xs, ...lines.map((l) => l.values)] as uPlot.AlignedData,
      el,
    );
    showValues(times.length - 1);
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: CHART_HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, lines]);
  if (times.length === 0) {
    return (
      <figure class="chart">
        <figcaption>{props.title}</figcaption>
        <p class="chart-box empty">还没有观测数据。</p>
      </figure>
    );
  }
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <ul class="chart-legend" ref={legend} aria-hidden="true">
        <li>
          时间（{utcOffset(Date.parse(times[times.length - 1] ?? ""))}）<span data-value>—</span>
        </li>
        {lines.map((l) => (
          <li key={l.label}>
            <i style={{ background: l.color }} />
            {l.label} <span data-value>—</span>
          </li>
        ))}
      </ul>
      <div
        class="chart-box"
        ref={box}
        data-points={times.length}
        role="img"
        aria-label={`${props.title}：${times.length} 个观测点，数据见下表`}
      />
      <details>
        <summary>数据表（{times.length} 个点）</summary>
        <Table
          caption={props.title}
          columns={[{ key: "time", label: "时间" }, ...lines.map((l) => ({ key: l.label, label: l.label, num: true }))]}
        >
          {times.map((t, i) => (
            <tr key={t + String(i)}>
              <td>
                <Time iso={t} />
              </td>
              {lines.map((l) => (
                <td class="num" key={l.label}>
                  {count(l.values[i] ?? null)}
                </td>
              ))}
            </tr>
          ))}
        </Table>
      </details>
    </figure>
  );
}
