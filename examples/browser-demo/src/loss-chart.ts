/** A small live line chart of the training loss per step, drawn on a canvas (no chart library). */
export class LossChart {
  private readonly points: number[] = [];

  constructor(private readonly canvas: HTMLCanvasElement) {}

  reset(): void {
    this.points.length = 0;
    this.draw();
  }

  push(loss: number): void {
    if (Number.isFinite(loss)) this.points.push(loss);
    this.draw();
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const { width, height } = this.canvas;
    const pad = 30;
    ctx.clearRect(0, 0, width, height);
    ctx.strokeStyle = '#8c959f';
    ctx.strokeRect(pad, 5, width - pad - 5, height - pad - 5);
    ctx.fillStyle = '#57606a';
    ctx.font = '11px system-ui';
    ctx.fillText('loss', 2, 14);
    ctx.fillText('step', width - 30, height - 6);
    if (this.points.length === 0) return;
    const max = Math.max(...this.points);
    const min = Math.min(0, ...this.points);
    ctx.fillText(max.toFixed(2), 2, 26);
    ctx.fillText(min.toFixed(2), 2, height - pad);
    const x = (i: number): number => pad + ((width - pad - 5) * i) / Math.max(1, this.points.length - 1);
    const y = (v: number): number => 5 + (height - pad - 5) * (1 - (v - min) / (max - min || 1));
    ctx.strokeStyle = '#0969da';
    ctx.lineWidth = 2;
    ctx.beginPath();
    this.points.forEach((v, i) => (i === 0 ? ctx.moveTo(x(i), y(v)) : ctx.lineTo(x(i), y(v))));
    ctx.stroke();
  }
}
