import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

// Only what the dashboard draws (stacked and horizontal bars, doughnuts, the metrics lines): keeps the
// bundle small.
Chart.register(
  BarController,
  BarElement,
  DoughnutController,
  ArcElement,
  CategoryScale,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  Legend,
);

// No animation at all: on a screen kept open all day, bars that move on every alert are noise, and a
// burst redraws every frame.
Chart.defaults.animation = false;

export { Chart };
