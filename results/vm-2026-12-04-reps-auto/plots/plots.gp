# Rendered by `pinbench report`; run `gnuplot plots.gp` in this folder to redo it by hand.
# Error bars: the 95% confidence interval of the median (order statistics); n: verified runs per point.
set datafile missing "?"
set key left top
set grid
set xlabel "threads"
set style data yerrorlines
set offsets graph 0.05, graph 0.05, 0, 0  # error bars at the first and last thread count stay inside
png_terminal = (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) ? "pngcairo" : "png"

# populate, anon, 2G
unset logscale x
set xtics ("1" 1, "2" 2)
set title "populate, anon, 2G: pin speedup over single, 95% CI error bars"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "populate-anon-2G-speedup.svg"
plot "populate-anon-2G.dat" using 1:2:3:4 title "user (n = 30)", \
     "populate-anon-2G.dat" using 1:8:9:10 title "kernel (n = 30)", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "populate-anon-2G-speedup.png"
replot
unset output
set title "populate, anon, 2G: pin GiB/s, 95% CI error bars"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "populate-anon-2G-gibs.svg"
plot "populate-anon-2G.dat" using 1:5:6:7 title "user (n = 30)", \
     "populate-anon-2G.dat" using 1:11:12:13 title "kernel (n = 30)", \
     "populate-anon-2G.dat" using 1:14 with lines dashtype 2 linecolor rgb "gray40" title "single, 1 thread (n = 30)"
set terminal png_terminal size 800,500
set output "populate-anon-2G-gibs.png"
replot
unset output

# populate, thp, 2G
unset logscale x
set xtics ("1" 1, "2" 2)
set title "populate, thp, 2G: pin speedup over single, 95% CI error bars"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "populate-thp-2G-speedup.svg"
plot "populate-thp-2G.dat" using 1:2:3:4 title "user (n = 30)", \
     "populate-thp-2G.dat" using 1:8:9:10 title "kernel (n = 30)", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "populate-thp-2G-speedup.png"
replot
unset output
set title "populate, thp, 2G: pin GiB/s, 95% CI error bars"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "populate-thp-2G-gibs.svg"
plot "populate-thp-2G.dat" using 1:5:6:7 title "user (n = 30)", \
     "populate-thp-2G.dat" using 1:11:12:13 title "kernel (n = 30)", \
     "populate-thp-2G.dat" using 1:14 with lines dashtype 2 linecolor rgb "gray40" title "single, 1 thread (n = 30)"
set terminal png_terminal size 800,500
set output "populate-thp-2G-gibs.png"
replot
unset output

# populate, hugetlb-2m, 2G
unset logscale x
set xtics ("1" 1, "2" 2)
set title "populate, hugetlb-2m, 2G: pin speedup over single, 95% CI error bars"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "populate-hugetlb-2m-2G-speedup.svg"
plot "populate-hugetlb-2m-2G.dat" using 1:2:3:4 title "user (n = 30)", \
     "populate-hugetlb-2m-2G.dat" using 1:8:9:10 title "kernel (n = 30)", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "populate-hugetlb-2m-2G-speedup.png"
replot
unset output
set title "populate, hugetlb-2m, 2G: pin GiB/s, 95% CI error bars"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "populate-hugetlb-2m-2G-gibs.svg"
plot "populate-hugetlb-2m-2G.dat" using 1:5:6:7 title "user (n = 30)", \
     "populate-hugetlb-2m-2G.dat" using 1:11:12:13 title "kernel (n = 30)", \
     "populate-hugetlb-2m-2G.dat" using 1:14 with lines dashtype 2 linecolor rgb "gray40" title "single, 1 thread (n = 30)"
set terminal png_terminal size 800,500
set output "populate-hugetlb-2m-2G-gibs.png"
replot
unset output

# mlock, anon, 2G
unset logscale x
set xtics ("1" 1, "2" 2)
set title "mlock, anon, 2G: pin speedup over single, 95% CI error bars"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "mlock-anon-2G-speedup.svg"
plot "mlock-anon-2G.dat" using 1:2:3:4 title "user (n = 30)", \
     "mlock-anon-2G.dat" using 1:8:9:10 title "kernel (n = 30)", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "mlock-anon-2G-speedup.png"
replot
unset output
set title "mlock, anon, 2G: pin GiB/s, 95% CI error bars"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "mlock-anon-2G-gibs.svg"
plot "mlock-anon-2G.dat" using 1:5:6:7 title "user (n = 30)", \
     "mlock-anon-2G.dat" using 1:11:12:13 title "kernel (n = 30)", \
     "mlock-anon-2G.dat" using 1:14 with lines dashtype 2 linecolor rgb "gray40" title "single, 1 thread (n = 10)"
set terminal png_terminal size 800,500
set output "mlock-anon-2G-gibs.png"
replot
unset output

# mlock, thp, 2G
unset logscale x
set xtics ("1" 1, "2" 2)
set title "mlock, thp, 2G: pin speedup over single, 95% CI error bars"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "mlock-thp-2G-speedup.svg"
plot "mlock-thp-2G.dat" using 1:2:3:4 title "user (n = 30)", \
     "mlock-thp-2G.dat" using 1:8:9:10 title "kernel (n = 30)", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "mlock-thp-2G-speedup.png"
replot
unset output
set title "mlock, thp, 2G: pin GiB/s, 95% CI error bars"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "mlock-thp-2G-gibs.svg"
plot "mlock-thp-2G.dat" using 1:5:6:7 title "user (n = 30)", \
     "mlock-thp-2G.dat" using 1:11:12:13 title "kernel (n = 30)", \
     "mlock-thp-2G.dat" using 1:14 with lines dashtype 2 linecolor rgb "gray40" title "single, 1 thread (n = 30)"
set terminal png_terminal size 800,500
set output "mlock-thp-2G-gibs.png"
replot
unset output

# mlock, hugetlb-2m, 2G
unset logscale x
set xtics ("1" 1, "2" 2)
set title "mlock, hugetlb-2m, 2G: pin speedup over single, 95% CI error bars"
set ylabel "pin speedup over single"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "mlock-hugetlb-2m-2G-speedup.svg"
plot "mlock-hugetlb-2m-2G.dat" using 1:2:3:4 title "user (n = 30)", \
     "mlock-hugetlb-2m-2G.dat" using 1:8:9:10 title "kernel (n = 30)", \
     x with lines dashtype 2 linecolor rgb "gray40" title "ideal"
set terminal png_terminal size 800,500
set output "mlock-hugetlb-2m-2G-speedup.png"
replot
unset output
set title "mlock, hugetlb-2m, 2G: pin GiB/s, 95% CI error bars"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "mlock-hugetlb-2m-2G-gibs.svg"
plot "mlock-hugetlb-2m-2G.dat" using 1:5:6:7 title "user (n = 30)", \
     "mlock-hugetlb-2m-2G.dat" using 1:11:12:13 title "kernel (n = 30)", \
     "mlock-hugetlb-2m-2G.dat" using 1:14 with lines dashtype 2 linecolor rgb "gray40" title "single, 1 thread (n = 30)"
set terminal png_terminal size 800,500
set output "mlock-hugetlb-2m-2G-gibs.png"
replot
unset output

# The headline: every group at its largest thread count
unset logscale x
set offsets 0, 0, 0, 0
set xtics autofreq rotate by -30
set xlabel ""
set style data histograms
set style histogram errorbars gap 2 lw 1
set style fill solid 0.6 border -1
set key left top
set title "pin GiB/s by strategy at the largest thread count (95% CI error bars, n = 10-30)"
set ylabel "pin GiB/s"
set yrange [0:*]
set terminal svg size 800,500 dynamic
set output "headline-gibs.svg"
plot "headline.dat" using 2:3:4:xtic(1) title "single", \
     "headline.dat" using 5:6:7 title "user", \
     "headline.dat" using 8:9:10 title "kernel"
set terminal png_terminal size 800,500
set output "headline-gibs.png"
replot
unset output
